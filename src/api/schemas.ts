// The API's shapes as zod schemas: requests are parsed with them, and the OpenAPI document is made from them.
//
// One import for the routes: the shared field rules, the requests and the answers each live in a module of their own.
export * from './field-schemas.js';
export * from './request-schemas.js';
export * from './view-schemas.js';
