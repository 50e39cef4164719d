/**
 * Bringing outside artefacts into the tune4j home: the all-MiniLM-L6-v2 ONNX model imported into a Hugging Face model
 * directory ({@link dev.tune4j.importer.MiniLmImporter}) and the catalogue of everything {@code tune4j data fetch} can
 * bring (data sets, the Llama-2 tokenizer, MiniLM: {@link dev.tune4j.importer.DataSources}). It sits above the
 * checkpoint, model, tokenizer and data packages and uses them; none of them imports it.
 */
package dev.tune4j.importer;
