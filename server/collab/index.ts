export { Collaboration, defaultUnloadAfterMs, type CollaborationOptions } from './Collaboration'
export { Connection, ProtocolError, type Presence } from './Connection'
export { PRESENCE_BINDING_MS, Room, WHOLE_STATE_MAX_UPDATES } from './Room'
export { CATCH_UP_EVERY_MS, GAP_WAIT_MS, RoomRelay } from './RoomRelay'
export { ConnectionLimits, type ConnectionSlot } from './ConnectionLimits'
export { AWARENESS_EVERY_MS, Broadcast } from './Broadcast'
export { CloseCode, MessageType } from './protocol'
export { AccountBudget, MessageThrottle, formatBytes, type MessageKind, type ThrottleVerdict } from './MessageThrottle'
export {
  ConnectionRefused,
  DocumentTooLarge,
  RELAY_ORIGIN,
  STORAGE_ORIGIN,
  type LoadedDocument,
  type CollaborationHooks,
  type ConnectionContext,
  type ConnectionRequest,
  type UpdateOrigin,
  type WebSocketLike
} from './types'
export { replaceWording } from './replaceWording'
