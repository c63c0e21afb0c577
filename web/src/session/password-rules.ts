/** What Parley asks of a new password (at sign-up and in a reset), said where one is chosen. */
export const NEW_PASSWORD_MIN_LENGTH = 8;
export const NEW_PASSWORD_RULES = `At least ${NEW_PASSWORD_MIN_LENGTH} characters, not a common password.`;
