// The example application's functions.
export { Cart, HISTORY_LENGTH } from './cart.function';
export { CartCommandType, CartLineType, CartReceiptType, type CartCommand, type CartLine, type CartReceipt } from './cart-messages';
export { COUNTS_EGRESS, Counter, STREAM_COUNTS_EGRESS, StreamCounter, countRecord } from './counter.function';
export { Greeter } from './greeter.function';
export { BEAT_SCHEDULE, Heartbeat } from './heartbeat.function';
export { BeatType, HeartbeatCommandType, type Beat, type HeartbeatCommand } from './heartbeat-messages';
export { Inbox } from './inbox.function';
export { Reminder, REMINDERS_TOPIC } from './reminder.function';
export { GreetingType, ReminderDueType, ReminderRequestType, type Greeting, type ReminderDue, type ReminderRequest } from './messages';
