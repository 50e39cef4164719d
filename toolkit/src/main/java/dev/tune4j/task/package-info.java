/**
 * Fine-tuning tasks as a library: a {@link dev.tune4j.task.TrainingTask} per {@link dev.tune4j.task.Task}
 * (classification, causal LM, question answering) reads its examples ({@link dev.tune4j.task.ExampleSource},
 * {@link dev.tune4j.task.DataSettings}), builds the model with its head and LoRA adapters from a
 * {@link dev.tune4j.task.PretrainedModel}, gives the loss of each micro-batch and evaluates. Recipes, a notebook or any
 * other caller choose the task and drive the training loop ({@link dev.tune4j.train.TrainingStep}).
 */
package dev.tune4j.task;
