import type { Logger } from '@keyflow/sdk';
import { logLevel, type logCreator } from 'kafkajs';

/**
 * Routes kafkajs's own log lines into Keyflow's logger. kafkajs logs every retriable protocol
 * error (a coordinator that is still loading, a broker that restarts) at ERROR although it
 * retries them, so its levels are lowered by one: its errors are warnings here, its warnings
 * information and its information debug output.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log as { message: string; timestamp: string; logger?: string };
      const fields = { kafkajs: namespace, ...extra };
      switch (level) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          logger.warn(`kafkajs: ${message}`, fields);
          break;
        case logLevel.WARN:
          logger.info(`kafkajs: ${message}`, fields);
          break;
        default:
          logger.debug(`kafkajs: ${message}`, fields);
      }
    };
}
