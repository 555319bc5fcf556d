/** The Consenso server: workspace rules, collaboration, HTTP and WebSocket transport. */
export { startServer, dataFile, trustProxyOf, type RunningServer } from './main'
export { Workspace } from './Workspace'
export { systemClock, type Clock } from './Clock'
export { createHttpServer, SESSION_COOKIE } from './http'
export {
  defaultAccountBudget,
  defaultConfig,
  defaultCommentQuota,
  defaultConnectionLimits,
  defaultLoginThrottle,
  defaultMessageThrottle,
  defaultPersistence,
  defaultSessions,
  type CommentQuotaConfig,
  defaultWork,
  type AccountBudgetConfig,
  type ConnectionLimitsConfig,
  type LoginThrottleConfig,
  type MessageRate,
  type MessageThrottleConfig,
  type ServerConfig,
  type PersistenceConfig,
  type SessionConfig,
  type TrustProxy,
  type WorkConfig
} from './config'
export { consoleLogger, silentLogger, type Logger } from './Logger'
export { LoginThrottle, type LoginAllowance } from './auth/LoginThrottle'
export { CSRF_HEADER } from '../src'
export { seedDemo, demoAccounts, DEMO_DOCUMENT_ID, CONCEPT_NOTE_ID } from './demo/seedDemo'
export { Collaboration, CloseCode, MessageType, type CollaborationHooks, type UpdateOrigin, type WebSocketLike } from './collab'
export { FrameError, noRelay, readFrame, RedisRelay, writeFrame, type DocumentFrame, type DocumentListener, type Frame, type Relay, type WorkspaceMessage } from './relay'
export { RedisLoginThrottle } from './auth/RedisLoginThrottle'
