export { noRelay, type DocumentFrame, type DocumentListener, type Relay, type WorkspaceMessage } from './Relay'
export { CONNECT_WAIT_MS, RedisRelay, SUBSCRIBE_WAIT_MS, type RedisRelayOptions } from './RedisRelay'
export { FRAME_VERSION, FrameError, FrameKind, readFrame, writeFrame, type Frame } from './frame'
