/** The command line: argument parsing and the chat, golden-check and synth commands. */
package org.glm4j.model.cli;
