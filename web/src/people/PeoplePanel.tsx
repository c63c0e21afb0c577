import { skipToken, useQuery } from '@apollo/client/react';
import { useDeferredValue, useId, useState } from 'react';
import type { FriendshipStatus } from '../gql/graphql';
import { useServices } from '../messenger/services';
import { Empty, ErrorNotice, Loading } from '../ui/Status';
import { FriendshipsQuery, SearchUsersQuery } from './people.operations';
import { PersonRow } from './PersonRow';

/** Parley has no live event for friend requests: the list of received ones is asked for again this often. */
const REQUESTS_POLL_MS = 20_000;

/** Find people by name, answer friend requests, and reach friends. */
export function PeoplePanel() {
  const { user } = useServices();
  const [search, setSearch] = useState('');
  const term = useDeferredValue(search.trim());
  const results = useQuery(SearchUsersQuery, term ? { variables: { search: term } } : skipToken);
  const searchId = useId();
  const people = results.data?.users.edges.map((edge) => edge.node).filter((person) => person.id !== user.id) ?? [];

  return (
    <section className="people" aria-labelledby="people-heading">
      <div className="panel-header">
        <h2 id="people-heading">People</h2>
      </div>
      <div className="field search">
        <label htmlFor={searchId}>Find people</label>
        <input id={searchId} type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="Name or username" autoComplete="off" />
      </div>
      {term && (
        <div aria-live="polite">
          {results.loading && !results.data && <Loading label="Searching…" />}
          {results.error && <ErrorNotice what="Searching" error={results.error} onRetry={() => void results.refetch()} />}
          {results.data && people.length === 0 && <Empty>Nobody matches “{term}”.</Empty>}
          <ul className="people-list" aria-label="Search results">
            {people.map((person) => (
              <PersonRow key={person.id} person={person} />
            ))}
          </ul>
        </div>
      )}
      <FriendshipList status="INCOMING" title="Friend requests" pollInterval={REQUESTS_POLL_MS} />
      <FriendshipList status="ACCEPTED" title="Friends" empty="No friends yet: find people above and add them." />
      <FriendshipList status="OUTGOING" title="Requests you sent" />
    </section>
  );
}

function FriendshipList({ status, title, empty, pollInterval }: { status: FriendshipStatus; title: string; empty?: string; pollInterval?: number }) {
  const { data, error, loading, refetch } = useQuery(FriendshipsQuery, { variables: { status }, fetchPolicy: 'cache-and-network', pollInterval });
  const people = data?.friendships.edges.map((edge) => edge.node.user) ?? [];
  const headingId = useId();
  if (!data && loading) return null;
  if (people.length === 0 && !empty && !error) return null;
  return (
    <section className="friendships" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {title} {people.length > 0 && <span className="muted">({people.length})</span>}
      </h3>
      {error && !data && <ErrorNotice what={`Loading ${title.toLowerCase()}`} error={error} onRetry={() => void refetch()} />}
      {people.length === 0 && empty && <p className="muted">{empty}</p>}
      <ul className="people-list">
        {people.map((person) => (
          <PersonRow key={person.id} person={person} />
        ))}
      </ul>
    </section>
  );
}
