// The answers public/field-prime.js asked for before the app's code arrived, taken at most once and
// only while fresh (a later visit of the list asks the server again).
import type { Me } from '@shared/api/types';
import type { TaskPage } from './api';

interface Prime {
  at: number;
  me?: Promise<Me>;
  tasks?: Promise<TaskPage>;
}

const FRESH_MS = 30_000;

function take<K extends 'me' | 'tasks'>(key: K): Prime[K] | undefined {
  const prime = (window as unknown as { __gecFieldPrime?: Prime }).__gecFieldPrime;
  if (!prime || Date.now() - prime.at > FRESH_MS) return undefined;
  const value = prime[key];
  delete prime[key];
  return value;
}

export const primedMe = () => take('me');
/** The caller's open tasks (all kinds, newest first), without position. */
export const primedTasks = () => take('tasks');
