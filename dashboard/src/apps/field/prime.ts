// The first screen's answers, asked for as soon as the app's code runs. On the task list the page
// came with `<link rel=preload>` for these same URLs (dashboard/pages.ts FIELD_FIRST_SCREEN), so the
// browser has been fetching them while the code downloaded, and these requests take those answers. A plain fetch() with no extra headers: a request that differs from the preload (another
// credentials mode, say) would be sent again. Each answer is taken at most once and only while
// fresh (a later visit of the list asks the server again).
import type { Me } from '@shared/api/types';
import { FIELD_FIRST_SCREEN } from '../../../pages';
import type { TaskPage } from './api';

interface Prime {
  at: number;
  me?: Promise<Me>;
  tasks?: Promise<TaskPage>;
}

const FRESH_MS = 30_000;

function get<T>(url: string): Promise<T> {
  const p = fetch(url).then((r) => (r.ok ? (r.json() as Promise<T>) : Promise.reject(new Error(`HTTP ${r.status}`))));
  p.catch(() => undefined);
  return p;
}

const prime: Prime = FIELD_FIRST_SCREEN.paths.test(location.pathname)
  ? { at: Date.now(), me: get<Me>(FIELD_FIRST_SCREEN.me), tasks: get<TaskPage>(FIELD_FIRST_SCREEN.tasks) }
  : { at: 0 };

function take<K extends 'me' | 'tasks'>(key: K): Prime[K] | undefined {
  if (Date.now() - prime.at > FRESH_MS) return undefined;
  const value = prime[key];
  delete prime[key];
  return value;
}

export const primedMe = () => take('me');
/** The caller's open tasks (all kinds, newest first), without position. */
export const primedTasks = () => take('tasks');
