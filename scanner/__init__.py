"""cvscan: an offline CV (resume) ATS scanner and keyword-gap analyser."""
