package dev.qtserver.handler;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link BeanMethodHandles}: a method that cannot be called is reported at
 * startup naming its bean, as other invalid handlers are.
 */
class BeanMethodHandlesTests {

	@Test
	void whenTheMethodCannotBeAccessedThenTheExceptionNamesTheBeanAndTheMethod() throws Exception {
		// public, in a package that java.base neither exports nor opens to this code
		Method internal = Class.forName("jdk.internal.misc.VM").getMethod("initLevel");
		InvalidHandlerException ex = catchThrowableOfType(InvalidHandlerException.class,
				() -> BeanMethodHandles.bound(new Object(), "sealedAway", internal));
		assertThat(ex.getHandlerName()).isEqualTo("sealedAway");
		assertThat(ex).hasMessageContaining("Handler bean 'sealedAway'")
			.hasMessageContaining("VM.initLevel()")
			.hasCauseInstanceOf(IllegalAccessException.class);
	}

	@Test
	void whenTheMethodIsCalledThroughTheSpreadingHandleThenItGetsTheArrayAsItsArguments() throws Throwable {
		Method join = Joiner.class.getDeclaredMethod("join", String.class, int.class);
		MethodHandle handle = BeanMethodHandles.spreading(new Joiner(), "joiner", join);
		assertThat((Object) handle.invokeExact(new Object[] { "a", 3 })).isEqualTo("a3");
	}

	static class Joiner {

		private String join(String text, int count) {
			return text + count;
		}

	}

}
