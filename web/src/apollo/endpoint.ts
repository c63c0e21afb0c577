/**
 * Where the API is: `/graphql` on the page's own origin (Parley serves this client, and Vite's dev
 * server forwards the path), or VITE_GRAPHQL_URL at build time for a client hosted elsewhere.
 */
export const GRAPHQL_URL = new URL(import.meta.env.VITE_GRAPHQL_URL ?? '/graphql', window.location.href).href;

/** The same path over WebSocket (ws: or wss:, as the page's protocol is http: or https:). */
export const GRAPHQL_WS_URL = GRAPHQL_URL.replace(/^http/, 'ws');
