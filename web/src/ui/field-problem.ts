import type { Problem } from './errors';

/**
 * An input's ties to the form's refusal when the refusal names it (`extensions.field`): marked
 * invalid, and the refusal read with it, after its own hint if it has one.
 */
export function problemProps(problem: Problem | null, field: string, errorId: string, hintId?: string) {
  const named = problem?.field === field;
  const describedBy = [hintId, named ? errorId : undefined].filter(Boolean).join(' ');
  return { 'aria-invalid': named || undefined, 'aria-describedby': describedBy || undefined };
}
