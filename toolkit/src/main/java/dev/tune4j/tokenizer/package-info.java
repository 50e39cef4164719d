/**
 * Real tokenizers as Hugging Face {@code tokenizer.json} files in the tune4j cache (Llama-2 SentencePiece BPE built
 * from a package fetched by name, bert-base-uncased WordPiece copied from a Maven artifact), loaded through Deep Java
 * Library's {@link ai.djl.huggingface.tokenizers.HuggingFaceTokenizer} from a path, never by hub name.
 */
package dev.tune4j.tokenizer;
