/** The workspace's settings: the calendar (time zone, holidays) its deadlines fall in. */
export { Settings, defaultSettings, settingsSchema, type WorkspaceSettings } from './Settings'
