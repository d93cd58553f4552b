// The alert above the report when an analysis failed: the message, and where, as a link to
// the record when the page has an editor to open it in.
import type { Location } from '../../src/shared/report';
import { append, h, severityIcon } from '../dom';
import { where } from '../format';
import { locationButton, type OpenLocation } from './buttons';

/** Fills `alert` with `message`, or empties and hides it when there is none. */
export function showFailure(alert: HTMLElement, message: string | undefined, location?: Location, onOpen?: OpenLocation): void {
  alert.hidden = message === undefined;
  alert.replaceChildren();
  if (message === undefined) return;
  append(alert, [severityIcon('error'), h('span', {}, message)]);
  if (location && onOpen) alert.appendChild(locationButton(location, where(location), onOpen));
}
