package dev.qtserver.http;

import org.jspecify.annotations.Nullable;

import org.springframework.core.convert.ConversionService;

/**
 * What {@link Route @Route} methods need from the application: conversion of path
 * variables, query parameters and headers, and JSON bodies.
 *
 * @param conversions converts request text to parameter types
 * @param json reads and writes JSON bodies, or {@code null} without Jackson
 */
public record RouteSupport(ConversionService conversions, @Nullable JsonCodec json) {

}
