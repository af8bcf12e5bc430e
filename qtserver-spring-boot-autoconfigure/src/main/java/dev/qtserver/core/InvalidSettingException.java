package dev.qtserver.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a server setting is out of range. It names the setting and its rule, so
 * that the auto-configuration can report the property behind it without checking the rule
 * a second time.
 */
public class InvalidSettingException extends IllegalArgumentException {

	private final String setting;

	private final @Nullable Object value;

	private final String rule;

	/**
	 * Create an exception.
	 * @param setting the setting's name, as the settings record spells it (such as
	 * {@code maxPendingConnections})
	 * @param value the rejected value
	 * @param rule what the value must be, such as {@code must be positive}
	 */
	public InvalidSettingException(String setting, @Nullable Object value, String rule) {
		super(setting + " " + rule);
		this.setting = setting;
		this.value = value;
		this.rule = rule;
	}

	/**
	 * Check a rule.
	 * @param valid whether the value follows the rule
	 * @param setting the setting's name
	 * @param value the value
	 * @param rule what the value must be
	 * @throws InvalidSettingException when it does not
	 */
	public static void check(boolean valid, String setting, @Nullable Object value, String rule) {
		if (!valid) {
			throw new InvalidSettingException(setting, value, rule);
		}
	}

	/**
	 * Check that an optional duration, when set, is positive.
	 * @param setting the setting's name
	 * @param value the duration, or {@code null} when unset
	 * @throws InvalidSettingException when it is zero or negative
	 */
	public static void checkPositiveOrUnset(String setting, @Nullable Duration value) {
		check(value == null || (!value.isNegative() && !value.isZero()), setting, value,
				"must be positive; leave it unset to turn it off");
	}

	/**
	 * Return the name of the setting.
	 * @return the setting, as the settings record spells it
	 */
	public String getSetting() {
		return this.setting;
	}

	/**
	 * Return the rejected value.
	 * @return the value
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Return the rule the value broke.
	 * @return the rule, such as {@code must be positive}
	 */
	public String getRule() {
		return this.rule;
	}

}
