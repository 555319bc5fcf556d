/**
 * Test support, one file per concern: `server` (a real server on port 0,
 * data folders, a server process), `api` (REST sessions), `collab` (clients
 * and raw messages of the collaboration endpoint), `doc` (reading and
 * editing a Y.Doc), `events` (Server-Sent Events), `redisServer` (a throwaway Redis) and
 * `MemoryConnector` (clients and a `Collaboration` in memory, on a seeded schedule).
 */
export * from './server'
export * from './api'
export * from './collab'
export * from './doc'
export * from './events'
export * from './MemoryConnector'
export * from './redisServer'
