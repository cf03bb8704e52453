// Who asked for a run is a domain question; it lives in src/use-cases. Kept for older imports.
export * from '../use-cases/run-requester';
