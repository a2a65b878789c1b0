"""Pure helpers with no models: environment, time, text, files."""
