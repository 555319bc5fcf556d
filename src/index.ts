/**
 * The domain core of Consenso: the document schema, block ids, accounts,
 * roles, countries and the calendar. Pure: no I/O, runs in the browser and
 * on the server alike.
 */
export { schema, isSafeHref, isSafeImageSrc, isUnsafeLinkFormat, BLOCK_TYPES, IMAGE_TYPES, MAX_IMAGE_BYTES } from './schema'
export { createBlockId, blockIdFixes, blockIdFixesWithin, withBlockIds, type BlockId, type BlockIdFix, type PositionRange } from './blockId'
export { COUNTRIES, countryOf, isCountryCode, type Country, type CountryCode } from './country'
export {
  ROLES,
  ROLE_TITLES,
  isRole,
  mayReadDocument,
  mayReadSettings,
  mayEditText,
  mayManageAccounts,
  mayGrantRole,
  rolesNamedIn,
  mayShareVersions,
  maySeeShares,
  receivesShares,
  type Role
} from './role'
export { accountProblem, colorOf, type AccountProblem, isUsername, MAX_DELEGATES_PER_COUNTRY, partyName, type Account, type Username } from './account'
export { addBusinessDays, endOfDayIn, isIsoDate, isWeekend, startOfDayIn, wallClockIn, type IsoDate } from './calendar'
export { CONTENT_FRAGMENT, isDocumentId, sameVersionName, type DocumentId, type DocumentMeta } from './document'
export { readContent, encodeContent, replaceContent, plainText, countWords, countDocumentWords } from './content'
export { parseMarkdown } from './markdown'
export {
  anchorFromQuote,
  anchorInBlock,
  resolveAnchor,
  replacePassage,
  textBlocks,
  blockText,
  type Anchor,
  type ResolvedAnchor,
  type TextQuoteSelector,
  type TextBlock
} from './anchor'
export {
  COMMENT_KINDS,
  COMMENT_STATUSES,
  isCommentStatus,
  kindOf,
  authorOf,
  authorTitle,
  mayComment,
  mayDecide,
  mayWithdraw,
  needsOpenPeriod,
  MAX_COMMENT_LENGTH,
  MAX_SUGGESTION_LENGTH,
  type Answer,
  type Author,
  type Comment,
  type CommentId,
  type CommentKind,
  type CommentStatus,
  type Decision,
  type Reply,
  type Suggestion
} from './comment'
export {
  MAX_BRACKET_REASON_LENGTH,
  MAX_OPTION_LENGTH,
  addOption,
  bracketCountryOf,
  chooseOption,
  crosses,
  diffBrackets,
  holdBracket,
  liftBracket,
  mayPlaceBrackets,
  openOption,
  removeBracket,
  supportOption,
  withdrawSupport,
  type Bracket,
  type BracketChange,
  type BracketDiffEntry,
  type FrozenBracket,
  type BracketId,
  type BracketOption,
  type OptionChoice,
  type OptionId,
  type PassageRange
} from './bracket'
export { bracketNote, withBracketMarks, type BracketMarkStyle, type MarkedBracket } from './bracketMarks'
export type { RequestStamp } from './requestStamp'
export {
  allowDelegations,
  askFloor,
  delegationMayActIn,
  endMeeting,
  giveFloor,
  isRunning,
  mayChair,
  moveFocus,
  nextSpeaker,
  withdrawFloor,
  MAX_AGENDA_ITEMS,
  MAX_INTERVENTION_LENGTH,
  MAX_MEETING_TITLE,
  type AgendaItem,
  type FloorTurn,
  type Meeting,
  type MeetingFocus,
  type MeetingId,
  type MeetingResult,
  type SpokenTurn
} from './meeting'
export {
  BLOCK_STATUSES,
  MAX_JUSTIFICATION_LENGTH,
  OPEN_STANDING,
  agreementCount,
  blockStatusChanges,
  inConferenceOrder,
  isBlockStatus,
  maySetBlockStatus,
  provenanceOf,
  sameStanding,
  standingOf,
  supportRefusal,
  withSupport,
  type BlockStanding,
  type BlockStatus,
  type BlockStatusChange,
  type BlockStatusRecord,
  type BlockView,
  type NewBlockStatus,
  type SupportRefusal
} from './blockStatus'
export {
  currentPeriod,
  deadlineOf,
  isPeriodOpen,
  periodBounds,
  periodRefusal,
  type PeriodRefusal,
  todayIn,
  type CommentPeriod,
  type DeadlineRule
} from './period'
export {
  adoptBlockIds,
  blocksOf,
  defaultDiffBudget,
  diffBlocks,
  diffDocuments,
  diffWords,
  movedFrom,
  movedTo,
  readingOrder,
  tokenize,
  type BlockChange,
  type BlockContainer,
  type BlockPlace,
  type ChangeCounts,
  type DiffBlock,
  type DiffBudget,
  type DiffPlace,
  type DiffWork,
  type DiffStats,
  type DocumentDiff,
  type Run
} from './diff'
export {
  isSilenceOpen,
  isSilenceOutcome,
  mayBreakSilence,
  mayOpenSilence,
  MAX_OBJECTION_LENGTH,
  MAX_SILENCE_BUSINESS_DAYS,
  outcomeAtDeadline,
  silenceDeadlineOf,
  SILENCE_OUTCOMES,
  type SilenceDeadlineRule,
  type SilenceObjection,
  type SilenceOutcome,
  type SilenceProcedure
} from './silence'
export { serializeMarkdown } from './markdownSerializer'
export {
  AUDIT_ACTIONS,
  AUDIT_DETAIL_KEYS,
  isAuditAction,
  mayReadAuditTrail,
  type AuditAction,
  type AuditActor,
  type AuditDetailKey,
  type AuditDetails,
  type AuditEntry,
  type AuditRecord,
  type AuditTarget,
  type AuditTargetNames
} from './audit'
export {
  CloseCode,
  CSRF_HEADER,
  IDEMPOTENCY_HEADER,
  isRefusalClose,
  isRefusalCode,
  isSessionEndReason,
  REFUSAL_CODES,
  SessionEndReason,
  type AccountEntry,
  type AnchorView,
  type BracketView,
  type AuditPage,
  type AuditVerification,
  type AuditCheck,
  type BulkResult,
  type CloseCodeValue,
  type CommentView,
  type CreditedChange,
  type DiffSide,
  type DocumentEntry,
  type ErrorBody,
  type LeftOut,
  type MarkupResult,
  type UnplacedMarkup,
  type NamedAuditPage,
  type NewBracket,
  type NewComment,
  type PeriodsView,
  type ProposalCredit,
  type RefusalCode,
  type SessionView,
  type SessionEndReasonText,
  type Share,
  type SharedEntry,
  type SharedVersion,
  type User,
  type VersionDetail,
  type VersionDiff,
  type VersionSummary,
  type Withdrawal
} from './wire'
