// The entry of a store thread (./threadStore.ts): a worker runs no TypeScript until tsx's loader is registered.
import { register } from 'tsx/esm/api';

register();
await import('./storeThread.ts');
