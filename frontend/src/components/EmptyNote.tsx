// The empty state lives in the one shared state set (States.tsx); this name stays for existing imports.
export { EmptyState as EmptyNote } from "./States";
