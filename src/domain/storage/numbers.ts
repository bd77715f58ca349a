
/** The dialed numbers and the language each answers in. */
export interface NumberRepository {
  languageOf(e164: string): string | undefined;
  setLanguage(e164: string, language: string, at: number): void;
  list(): Array<{ e164: string; language: string; updatedAt: number }>;
}
