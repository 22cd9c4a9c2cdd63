// Re-signing a signed zone in place: its signatures made again without reading any file.
