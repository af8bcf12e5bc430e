/**
 * The README's Java snippets as real files: the build compiles them,
 * {@code ReadmeSnippetsTests} checks that the README shows them as they are, and the
 * tests beside them run them. Each sub-package is one small application; this module has
 * no application.yml, so each starts only the servers its test declares.
 */
package dev.qtserver.docs;
