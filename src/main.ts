import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { createLogger } from './server/logger';
import { startParley } from './server/parley';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = createLogger(config);
  const parley = await startParley(config, { logger });
  logger.info({ url: parley.url, database: parley.database.engine }, 'Parley is listening');
  if (parley.webClientUrl) logger.info({ url: parley.webClientUrl }, 'web client');
  else logger.info('web client not built (npm run build:web): only the API is served');

  let stopping: string | undefined;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal, step: stopping }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    stopping = 'starting';
    logger.info({ signal, timeoutSeconds: config.shutdownTimeoutSeconds }, 'shutting down');
    // In-flight work gets its grace period; past it, the process exits rather than linger half-closed.
    setTimeout(() => {
      logger.error({ step: stopping, open: openResources() }, 'shutdown timed out: exiting with work still open');
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000).unref();
    try {
      await parley.close((step) => {
        stopping = step;
        logger.debug({ step }, 'shutdown step');
      });
      process.exit(0);
    } catch (error) {
      logger.error({ err: error, step: stopping }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** What keeps the process alive, counted by kind (TCPSocketWrap, Timeout, ...). */
function openResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
