"""The deals half: reads deals off a Doc the pipeline has annotated.

Nothing here loads a model or runs one; it reads the Doc's sentences, parse, entities and
`doc._.deals_figures`. `assemble.Assembler` is the entry point and wires the readers below
it: `candidates` (who made a deal in which sentences), `kind`, `status`, `roles`, `figures`
(which counts, power and money the deal covers), `chip` and `place`, all on the shared parse
helpers of `syntax`. Each takes the `Lexicon` it reads its words from.
"""
