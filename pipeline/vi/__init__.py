"""Vietnamese text helpers shared by the stages: toneless keys, syllables, lexicon, names, gazetteer."""
