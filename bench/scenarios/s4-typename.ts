import { join } from 'node:path';
import type { FixedRequestParams } from '../lib/http-load';
import { ROOT } from '../lib/parley-process';
import { type Contender, makeRow, measureRounds } from '../lib/rounds';
import { startServerScript } from '../lib/server-process';
import type { Row, Scenario, ScenarioContext } from '../lib/types';

const CONNECTIONS = 32;
const HTTP_LOAD = join(ROOT, 'bench/lib/http-load.ts');
const BODY = JSON.stringify({ query: '{ __typename }' });
const GOAL = 0.9;

/**
 * S4: the cost of the request path itself. `{ __typename }` touches no database, so this is
 * Parley's HTTP, Apollo, limits and context work, against the same query on bare Apollo +
 * Fastify (the ceiling of the framework) and on raw node:http (the ceiling of the machine).
 */
export const s4: Scenario = {
  id: 'S4',
  title: `{ __typename } over HTTP, ${CONNECTIONS} connections`,
  async run(context: ScenarioContext): Promise<Row[]> {
    const apollo = await startServerScript(join(ROOT, 'bench/baselines/apollo-fastify.ts'), 'bare Apollo + Fastify');
    const raw = await startServerScript(join(ROOT, 'bench/baselines/raw-http.ts'), 'raw node:http');
    try {
      const parleyUrl = await context.engine.parleyUrl();
      const contender = (name: string, url: string): Contender => ({
        name,
        round: (_round, timing) => {
          const params: FixedRequestParams = { url, body: BODY, connections: CONNECTIONS, expectData: { __typename: 'Query' } };
          return context.workers.load({ module: HTTP_LOAD, load: 'fixedRequest', params, ...timing });
        },
      });
      const [parley, bareApollo, rawHttp] = await measureRounds(
        context,
        'S4',
        [contender('Parley', parleyUrl), contender('bare Apollo + Fastify', apollo.url), contender('raw node:http', raw.url)],
        'req/s',
        // No database involved: alternate on every engine.
        { alternate: true },
      );
      const hasGoal = context.engine.kind === 'postgresql';
      const common = { scenario: 'S4', title: this.title, engine: context.engine.kind, unit: 'req/s', parley: parley!, notes: {} };
      return [
        makeRow({
          ...common,
          baseline: bareApollo!,
          goal: (ratio) => (hasGoal ? { text: `>= ${GOAL.toFixed(2)}`, met: ratio !== null && ratio >= GOAL } : { text: 'report', met: null }),
        }),
        makeRow({ ...common, baseline: rawHttp!, goal: () => ({ text: 'report', met: null }) }),
      ];
    } finally {
      await Promise.all([apollo.stop(), raw.stop()]);
    }
  },
};
