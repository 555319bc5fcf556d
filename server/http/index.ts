/** The HTTP and WebSocket transport: the only part of the server that knows express and ws. */
export { createHttpServer, SESSION_COOKIE } from './httpServer'
