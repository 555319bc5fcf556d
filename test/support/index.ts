/**
 * Test support, one file per concern: `server` (a real server on port 0,
 * data folders, a server process), `api` (REST sessions), `collab` (clients
 * and raw messages of the collaboration endpoint), `doc` (reading and
 * editing a Y.Doc), `events` (Server-Sent Events), `MemoryConnector`
 * (clients and a `Collaboration` in memory, on a seeded schedule),
 * `postgresServer` (a database of a throwaway PostgreSQL, or of
 * `DATABASE_URL`), `redisServer` (a throwaway Redis, or `REDIS_URL`) and
 * `crashWorkload` (editors and delegations at work while a crash test kills).
 */
export * from './server'
export * from './api'
export * from './collab'
export * from './doc'
export * from './events'
export * from './MemoryConnector'
export * from './postgresServer'
export * from './redisServer'
export * from './crashWorkload'
