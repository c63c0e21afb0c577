import { useSyncExternalStore } from 'react';
import type { SocketStatus } from '../apollo/socket';
import { useServices } from './services';

export function useSocketStatus(): SocketStatus {
  const { socket } = useServices();
  return useSyncExternalStore(socket.subscribe, socket.status);
}

const subscribeOnline = (listener: () => void) => {
  window.addEventListener('online', listener);
  window.addEventListener('offline', listener);
  return () => {
    window.removeEventListener('online', listener);
    window.removeEventListener('offline', listener);
  };
};

export function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine);
}
