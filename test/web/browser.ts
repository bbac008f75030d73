// Debian's Chromium, driven by playwright-core, headless with WebGPU on
// (Chromium's own SwiftShader Vulkan, or Mesa's lavapipe: no GPU needed).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env['TXC_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan'];

/** Fails (never skips) without Chromium, saying how to get it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `the playground's browser test needs Chromium at ${CHROMIUM}, and it is missing: ` +
        `install it with \`apt-get install -y chromium\` (.ci/run does), or point TXC_CHROMIUM at a Chromium binary`,
    );
  // Scrollbars as a person sees them (Playwright hides them by default): the page must show where it scrolls.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ignoreDefaultArgs: ['--hide-scrollbars'] });
}
