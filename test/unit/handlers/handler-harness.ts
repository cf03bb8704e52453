// Moved to test/commands/handlers (tests mirror src); kept until every importer uses the new path.
export * from '../../commands/handlers/handler-harness';
