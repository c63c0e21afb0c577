/**
 * A ref for the heading of what replaced a form or a wait (a result, a refusal): focus moves to
 * it, so that keyboard and screen reader users land on what changed. One function for every
 * element, so React calls it once per element, as it mounts.
 */
export function focusOnMount(element: HTMLElement | null): void {
  element?.focus();
}
