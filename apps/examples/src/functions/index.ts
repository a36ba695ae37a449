// The example application's functions.
export { Greeter } from './greeter.function';
export { Inbox } from './inbox.function';
export { GreetingType, type Greeting } from './messages';
