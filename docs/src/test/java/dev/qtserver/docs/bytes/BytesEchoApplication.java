package dev.qtserver.docs.bytes;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The README's zero-copy {@code ByteBuffer} echo.
 */
@SpringBootApplication
public class BytesEchoApplication {

}
