package dev.qtserver.docs.reactive;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The README's {@code TcpConnectionHandler} example.
 */
@SpringBootApplication
public class UpperCaseApplication {

}
