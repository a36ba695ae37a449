import { jsonType } from '@keyflow/sdk';

/** A greeting delivered to a person's inbox. */
export interface Greeting {
  readonly text: string;
  readonly seen: number;
}

/** The wire type of {@link Greeting}. */
export const GreetingType = jsonType<Greeting>('example/Greeting');

/** Asks `example/reminder` to remind its person of `text` in `inMs` milliseconds. */
export interface ReminderRequest {
  readonly text: string;
  readonly inMs: number;
}

/** The wire type of {@link ReminderRequest}: UTF-8 JSON, so a console producer can write it. */
export const ReminderRequestType = jsonType<ReminderRequest>('example/ReminderRequest');

/** A reminder coming due: the delayed message `example/reminder` sends itself. */
export interface ReminderDue {
  readonly text: string;
  readonly number: number;
}

/** The wire type of {@link ReminderDue}. */
export const ReminderDueType = jsonType<ReminderDue>('example/ReminderDue');
