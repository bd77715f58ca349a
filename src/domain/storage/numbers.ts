
/** The dialed numbers and the language each answers in. */
export interface NumberRepository {
  languageOf(e164: string): Promise<string | undefined>;
  setLanguage(e164: string, language: string, at: number): Promise<void>;
  list(): Promise<Array<{ e164: string; language: string; updatedAt: number }>>;
}
