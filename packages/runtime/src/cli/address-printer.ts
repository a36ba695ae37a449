import type { AddressPage, AddressView } from '../inspect/address-inspector';
import type { ValueView } from '../inspect/value-view';

/** `keyflow state get`'s text: the state values with type and expiry, delayed messages, schedules. */
export function formatAddress(view: AddressView): string {
  const lines = [`${view.address}${view.exists ? '' : ' (no state)'}`];
  if (view.state.length > 0) lines.push('State:');
  for (const value of view.state) {
    const expiry = value.expiry ? `expires ${iso(value.expiry.expiresAt)} (${value.expiry.mode}, ${value.expiry.afterMs} ms)` : 'no expiry';
    lines.push(`  ${value.name} (${value.value.typename}, ${value.value.encoding}; written ${iso(value.writtenAt)}; ${expiry})`);
    lines.push(...indent(formatValue(value.value), '    '));
  }
  lines.push(`Delayed messages: ${view.delayedMessages.length}`);
  for (const message of view.delayedMessages) {
    lines.push(`  ${iso(message.dueAt)}  ${message.from} -> ${message.to}${message.token === undefined ? '' : ` [${message.token}]`}: ${formatValue(message.argument)}`);
  }
  lines.push(`Schedules: ${view.schedules.length}`);
  for (const schedule of view.schedules) lines.push(`  ${schedule.name}  ${JSON.stringify(schedule.rule)}  next ${iso(schedule.nextAt)}`);
  return lines.join('\n');
}

/** `keyflow state list`'s text: one id a line, then how to get the next page. */
export function formatPage(page: AddressPage, nextCommand: (after: string) => string): string {
  const lines = page.ids.length === 0 ? [`No address of ${page.functionType} has state.`] : [...page.ids];
  if (page.next !== undefined) lines.push(`More: ${nextCommand(page.next)}`);
  return lines.join('\n');
}

/** A value as JSON text (bytes as `{ "base64": … }`). */
export function formatValue(view: ValueView): string {
  return JSON.stringify(plain(view), null, 2);
}

function plain(view: ValueView): unknown {
  switch (view.encoding) {
    case 'bytes':
      return { base64: view.base64 };
    case 'list':
      return view.elements.map(plain);
    case 'map':
      return Object.fromEntries(view.entries.map((entry) => [entry.key, plain(entry.value)]));
    default:
      return view.value;
  }
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => prefix + line);
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
