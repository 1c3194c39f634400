"""Which figure a browser gets (phone.is_phone): phones by their User-Agent's "Mobi" token, never tablets or desktops."""
import pytest

from evidash.phone import is_phone

UA = {
    "iphone_safari": ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                      "Version/17.5 Mobile/15E148 Safari/604.1", True),
    "android_chrome_phone": ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                             "Chrome/131.0.0.0 Mobile Safari/537.36", True),
    "android_firefox_phone": ("Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0", True),
    "android_tablet": ("Mozilla/5.0 (Linux; Android 14; SM-X910) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/131.0.0.0 Safari/537.36", False),
    "ipad_desktop_mode": ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                          "Version/17.5 Safari/605.1.15", False),
    "desktop_chromium": ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 "
                         "Safari/537.36", False),
}


@pytest.mark.parametrize("name", list(UA))
def test_phone_browsers_get_the_phone_figure_and_others_the_screen_figure(name):
    agent, phone = UA[name]
    assert is_phone(agent) is phone


@pytest.mark.parametrize("agent", [None, ""])
def test_no_user_agent_gets_the_screen_figure(agent):
    assert is_phone(agent) is False
