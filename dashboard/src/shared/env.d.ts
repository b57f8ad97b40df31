/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
declare module 'vue-router' {
  interface RouteMeta {
    dashboard?: boolean;
    /** The field app's tab a route belongs to. */
    tab?: string;
    /** A page of the citizens' app open without a citizen session (its sign-in). */
    public?: boolean;
  }
}
export {};
