/**
 * LoRA adapters (Hu et al. 2021) as Hugging Face PEFT builds and saves them: {@link dev.tune4j.lora.LoraLinear}
 * layers applied to target modules while a model is constructed, trainable-parameter selection, merge/unmerge, and
 * PEFT's adapter_model.safetensors + adapter_config.json format.
 */
package dev.tune4j.lora;
