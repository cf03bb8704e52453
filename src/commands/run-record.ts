// Run records are domain data; they live in src/use-cases. Kept so older imports still resolve.
export * from '../use-cases/run-record';
