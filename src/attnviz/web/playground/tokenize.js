/*
 * attnviz playground: token ids exactly as the Python tokenizer gives them. Pure: it takes the tokenizer
 * (@huggingface/tokenizers' Tokenizer, loaded by model.js) as an argument, so node's tests can run it.
 */

/*
 * The one known difference between @huggingface/tokenizers and Python's (Rust) tokenizers: lowercasing a
 * capital sigma at the end of a word. JavaScript's toLowerCase() applies Unicode's Final_Sigma rule
 * ("ΟΔΟΣ" -> "οδος", final ς), Rust lowercases character by character ("οδοσ"). The model's tokenizer
 * lowercases everything anyway, so mapping Σ to σ first gives Python's ids in every case.
 */
const CAPITAL_SIGMA = /\u03A3/g;

export function withoutCapitalSigma(text) {
  return text.replace(CAPITAL_SIGMA, "\u03C3");
}

/** {ids, tokens, tokenTypeIds} of sentence a and, if given, sentence b. */
export function tokenize(tokenizer, a, b) {
  const options = { return_token_type_ids: true };
  if (b) options.text_pair = withoutCapitalSigma(b);
  const encoding = tokenizer.encode(withoutCapitalSigma(a), options);
  return { ids: encoding.ids, tokens: encoding.tokens, tokenTypeIds: encoding.token_type_ids };
}

/** Where sentence B starts (its first token), or null for a single sentence. */
export function sentenceBStart(tokenTypeIds, b) {
  const first = tokenTypeIds.indexOf(1);
  return b && first > 0 ? first : null;
}
