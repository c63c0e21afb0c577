import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` at the repository root starts Parley on :4000 and this dev server on :5173, which
// forwards the API and its WebSocket, so the client talks to one origin as it does when Parley
// serves the build.
const api = process.env.PARLEY_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    // Files too, for a Parley started with PUBLIC_URL=http://127.0.0.1:5173: its upload and download
    // links then point here, the page's own origin, as they do when Parley serves the build.
    proxy: { '/graphql': { target: api, ws: true }, '/files': { target: api } },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Libraries change less often than the app: their own files stay cached across releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'libraries', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
});
