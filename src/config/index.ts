export { type ParsedCommandLine, parseCommandLine } from './command-line.js';
export {
  type Command,
  DEFAULT_CONFIG,
  DEFAULT_RESOURCES,
  type ExporterKind,
  type GroupVersionResource,
  type Invocation,
  type KubetrailConfig,
  type LogLevel,
} from './config.js';
export { ConfigError } from './config-error.js';
export { type ParsedConfigFile, parseConfigFile, TRACING_CONFIGURATION_VERSIONS } from './config-file.js';
export { COMMAND_FLAGS, FLAGS, type FlagGroup, type FlagKey, type FlagKind, type FlagSpec } from './flags.js';
export { flagDefault, renderFlagTableMarkdown, renderHelp } from './help.js';
export { parseListenAddress } from './listen-address.js';
export { loadConfig, type ReadText } from './load-config.js';
export { type ConfigSources, configFilePath, resolveConfig } from './resolve-config.js';
