export * from './environment-profile';
export * from './environment';
export * from './connection';
export * from './config-bundle';
export * from './postgres-db';
export * from './redis-cache';
export * from './web-app';
export { ValidationError } from './private/validate';
export * from './policy-gate';
