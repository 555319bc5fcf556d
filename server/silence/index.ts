export { SilenceProcedures, SERVER_ACTOR } from './SilenceProcedures'
